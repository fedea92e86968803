"""Keeps a hotel's database (the ADF back office) and Cloudbeds PMS in step.

Everything that talks to Cloudbeds or writes the database lives in this package; the Streamlit
pages and the ASGI routes only call into it, and it never imports Streamlit. Sub-packages:
``cloudbeds`` (API client), ``db`` (schema, setup, upserts, settings), ``sync`` (pull/push engine),
``webhooks`` (receiver, store, processor), ``sandbox`` (a local Cloudbeds for demos and tests).
"""

__version__ = "0.1.0"
