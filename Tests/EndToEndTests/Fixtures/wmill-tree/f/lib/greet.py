def main(name: str, excited: bool = False):
    return {"greeting": f"hello {name}" + ("!" if excited else "")}
