"""Buyer search: facet registry and index, text backends, documents, the engine, forms, export."""
