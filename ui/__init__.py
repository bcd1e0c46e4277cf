"""The Streamlit layer: session state, cached resources, shared widgets and one module per view.

Only this package and ``app_pages/`` import streamlit; every number shown is
computed in ``core/``.
"""
