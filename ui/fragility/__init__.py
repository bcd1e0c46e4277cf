"""The "How fragile is it?" page's views: the photo changed a little at a time, and the model's answer after each."""
