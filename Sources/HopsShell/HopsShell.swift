/// Module placeholder: replaced as the module grows.
enum HopsShellModule {}
