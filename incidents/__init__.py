"""borderwatch: security incidents on Central Asia's borders, curated and extracted, with their sources."""

from .dataset import Dataset, build, load
from .errors import DataFileError, IncidentsError, Problem

__all__ = ["Dataset", "DataFileError", "IncidentsError", "Problem", "build", "load"]
__version__ = "0.1.0"
