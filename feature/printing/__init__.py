"""The print edition: volumes, the paper rewrite (`for_print`) and its memo, PDFs.
"""
