"""Foundation every room uses: the error type, messages, settings, the program registry."""
