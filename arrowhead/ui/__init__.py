"""Streamlit page scripts and the widgets and loaders they share."""
