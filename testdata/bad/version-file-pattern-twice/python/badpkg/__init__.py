"""badpkg."""

__version__ = "1.2.3"
__version__ = "1.2.3"
