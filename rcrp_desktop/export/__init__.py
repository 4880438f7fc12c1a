"""Handover documents built from stored records (reportlab), with no Qt."""
