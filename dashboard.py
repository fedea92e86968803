# Placeholder so the server runs before the dashboard stream's entrypoint lands; theirs replaces it.
import streamlit as st

st.title("Cloudbeds sync")
