/** The chart's default image repository: any tag or digest of it runs as the real controller. */
export const controllerImageRepository = 'kanary/kanary';

/** `docker.io/kanary/kanary:1.2` → `kanary/kanary`; `registry:5000/x/y@sha256:…` → `registry:5000/x/y`. */
export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0] ?? '';
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const repository = colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
  return repository.startsWith('docker.io/') ? repository.slice('docker.io/'.length) : repository;
}

/**
 * Whether the kubelet runs this image as the checkout's controller: the chart's repository with any
 * tag, or one of `extraImages` (the kubelet's `--controller-image` flags: an exact reference, or a
 * repository without tag matching every tag of it).
 */
export function isControllerImage(image: string, extraImages: readonly string[] = []): boolean {
  if (image === '') return false;
  const repository = imageRepository(image);
  if (repository === controllerImageRepository) return true;
  return extraImages.some((extra) => extra === image || extra === repository);
}
