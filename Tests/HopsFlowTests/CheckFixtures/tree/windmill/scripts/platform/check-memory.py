def main(minimum_mb: int = 256):
    return {"low": False, "minimum_mb": minimum_mb}
