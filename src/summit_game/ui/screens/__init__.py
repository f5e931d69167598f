"""The screens of the game; each reads the app's state and calls the app to change it."""
