export async function main(argv: string[]): Promise<number> {
  console.log('lockdep-lab', argv.join(' '));
  return 0;
}
