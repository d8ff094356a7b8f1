"""Surveys (アンケート): the association asks residents questions and shows the results."""
