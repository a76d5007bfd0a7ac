"""share: cards, posters and long images."""
