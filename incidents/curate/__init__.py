"""The maintainers' ways in: adding rows (`incidents add`), the upload page, and the review queue.

All three plan their change with `plan.py` (the same rules, the same merge) and write it through the
one transaction in `incidents.store`.
"""
