# Another version, not the package's: left alone.
__version__ = "0.9.0"
