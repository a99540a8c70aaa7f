__all__ = ["__copyright__", "__version__"]

__version__ = "46.0.1"

__author__ = "Example Maintainers"
__copyright__ = f"Copyright 2013-2026 {__author__}"
