"""Arabic text handling: cleaning, normalization, stemming, sentence splitting."""
