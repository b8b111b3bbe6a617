"""Sentence splitting, features and the sentence-sourcing model (no web code here)."""
