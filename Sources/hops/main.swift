print("hops")
