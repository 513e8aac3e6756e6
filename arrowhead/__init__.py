"""Arrowhead: a self-hosted, interactive course on partnership selling."""
