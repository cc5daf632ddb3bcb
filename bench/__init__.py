"""The search benchmark (`make bench`): speed (run.py) and relevance (relevance.py)."""
