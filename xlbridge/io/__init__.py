"""Reading workbooks into the model and writing results back (files; the bridge has its own adapter)."""
