"""Point places (kampung tematik, KWT, ecofarm): search, management and exports."""
