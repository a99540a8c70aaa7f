"""The Python side of fastcore."""
from ._fastcore import parse

__version__ = "1.3.0rc1"
