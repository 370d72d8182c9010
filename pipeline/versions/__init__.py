"""A version's life, the use cases above the documents: start a new draft (``ny``), record and seal
the decision (``beslut``), seal a version decided before samverkan (``forsegla``)."""
