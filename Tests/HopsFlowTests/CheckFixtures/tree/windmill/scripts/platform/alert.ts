export async function main(
  channel: string,
  message: string,
  token?: string,
) {
  return { sent: true, channel, message };
}
