"""Printable review reports: HTML laid out for paper, turned into PDF by WeasyPrint."""
