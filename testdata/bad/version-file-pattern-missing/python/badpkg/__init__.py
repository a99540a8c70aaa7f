"""badpkg."""

VERSION = "1.2.3"
