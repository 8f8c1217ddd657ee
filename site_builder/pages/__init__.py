"""HTML fragments of the portal's own pages (listings, post header and footer).

Plain string building with escaping: cheaper than a Jinja template per listing
and testable without MkDocs. The theme wraps these fragments in Material's page.
"""
