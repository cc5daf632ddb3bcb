"""Signing in: django-allauth's configuration for this site, and the staff two-factor rule."""
