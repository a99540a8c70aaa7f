"""badpkg."""

__version__ = "1.2.3.post1"
