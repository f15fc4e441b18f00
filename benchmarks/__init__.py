"""Speed and size benchmarks for borderwatch (`python -m benchmarks`); see benchmarks/__main__.py."""
