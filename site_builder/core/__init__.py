"""The portal's core: plain Python, no MkDocs import.

Loading (orgs, posts), validation (problems), aggregation (views) and
statistics live here so they can be tested on plain data and outlive MkDocs 1.x.
"""
