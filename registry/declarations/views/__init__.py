"""The provider's pages for models, their lineage and declarations: a module per part of the filing.

Views fetch through `access.py`, write through `services.py` and read through `selectors.py`; what
is left here is turning forms into service calls and problems back into pages.
"""
