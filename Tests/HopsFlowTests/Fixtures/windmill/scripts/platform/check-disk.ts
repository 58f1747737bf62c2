export async function main() { return null }
