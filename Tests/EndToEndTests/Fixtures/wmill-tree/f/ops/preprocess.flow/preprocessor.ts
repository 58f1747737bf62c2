export async function preprocessor(event: { kind: string; body: { machines: { name: string }[] } }) {
  return { hosts: event.body.machines.map((machine) => machine.name) };
}
