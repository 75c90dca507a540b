"""Vocabulary and rules shared by every layer; imports nothing of ours."""
