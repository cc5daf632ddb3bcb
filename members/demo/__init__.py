"""Clearly fictional demo data: word banks, the company composer, the demo set, bulk generation."""
