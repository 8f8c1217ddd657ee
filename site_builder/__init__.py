"""三级联创网络互动平台: a static portal generator on MkDocs + mkdocs-material."""

__version__ = "0.1.0"
