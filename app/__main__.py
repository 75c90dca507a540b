from app.cli import entrypoint

entrypoint()
