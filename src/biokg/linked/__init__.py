"""Linked data: the description of a resource, the dataset's VoID description, and dumps."""
