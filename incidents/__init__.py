"""borderwatch: security incidents on Central Asia's borders, curated and extracted, with their sources.

Importing the package loads nothing heavy; import what you use, e.g. `from incidents.dataset import load`.
"""

__version__ = "0.2.0"
