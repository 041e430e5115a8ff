import { parse } from './args';
import { UserError } from '../user-error';

export const IMAGES_USAGE = `Usage: shifterflow images pull REF... [--user a,b] [--group g] [--json]
       shifterflow images list [--json]
       shifterflow images lookup REF [--json]
       shifterflow images check REF... [--json] [--mpi]

Talks to Shifter's image gateway through shifterimg, as a run does before it submits anything.
pull waits for every image (in parallel) and judges by the final status word, never shifterimg's
exit code: it exits 0 when every image is READY, 1 otherwise. lookup prints the image id (exit 1
when the gateway does not know the image). check reads images from their registry and checks them
against Shifter's rules ('images check --help').`;

export async function imagesCommand(argv: string[]): Promise<number> {
  // `check` reads registries, not the gateway: it loads none of the gateway's code (child_process).
  if (argv[0] === 'check') return (await import('./images-check-command')).imagesCheckCommand(argv.slice(1));
  const { ImageGateway, ImageGatewayUnreachableError, ImageRefError, normalizeImageRef } = await import('../images');
  const normalize = (ref: string): string => {
    try {
      return normalizeImageRef(ref);
    } catch (e) {
      if (e instanceof ImageRefError) throw new UserError(e.message);
      throw e;
    }
  };
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, user: { type: 'string' }, group: { type: 'string' } }, IMAGES_USAGE);
  const [verb, ...refs] = positionals;
  if (values.help || !verb) {
    process.stdout.write(IMAGES_USAGE + '\n');
    return values.help ? 0 : 2;
  }
  const gateway = new ImageGateway();
  const out = (data: unknown, text: string) => process.stdout.write(values.json ? JSON.stringify(data) + '\n' : text);
  try {
    switch (verb) {
      case 'pull': {
        if (refs.length === 0) throw new UserError(`give at least one image reference\n\n${IMAGES_USAGE}`);
        const acl = { users: list(values.user as string | undefined), groups: list(values.group as string | undefined) };
        const results = await gateway.pullAll(refs.map((ref) => ({ ref: normalize(ref), ...acl })), {
          concurrency: refs.length,
          onStatus: values.json ? undefined : (ref, status) => process.stderr.write(`${ref}: ${status}\n`),
        });
        out(results, results.map((r) => `${r.ref}\t${r.status}\t${r.id ?? ''}${r.message && !r.ok ? `\t${r.message}` : ''}\n`).join(''));
        return results.every((r) => r.ok) ? 0 : 1;
      }
      case 'list': {
        const images = await gateway.listImages();
        out(images, images.map((i) => `${i.ref}\t${i.status}\t${i.idPrefix ?? ''}\t${i.lastPull}\n`).join(''));
        return 0;
      }
      case 'lookup': {
        if (refs.length !== 1) throw new UserError(`give one image reference\n\n${IMAGES_USAGE}`);
        const ref = normalize(refs[0]);
        const id = await gateway.lookupImage(ref);
        out({ ref, id: id ?? null }, id ? `${id}\n` : '');
        if (!id) process.stderr.write(`shifterflow: the gateway does not know ${ref} (pull it first)\n`);
        return id ? 0 : 1;
      }
      default:
        throw new UserError(`unknown images command "${verb}"\n\n${IMAGES_USAGE}`);
    }
  } catch (e) {
    if (e instanceof ImageGatewayUnreachableError) throw new UserError(e.message, 1);
    throw e;
  }
}

function list(csv: string | undefined): string[] | undefined {
  return csv ? csv.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
}
