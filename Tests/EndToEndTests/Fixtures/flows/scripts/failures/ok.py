def main(value: int = 1):
    return {"value": value, "ok": True}
