import * as vscode from 'vscode';
import { inert } from '../common/serviceText';
import type { Customer } from '../api/types';
import type { ImageInfo } from '../images';
import type { SquareCrop } from '../images/prepare';
import { confirmFirstPicture, confirmReplace, type CropOffer, type ShownPicture } from '../ui/confirm';
import { pictureToSend, type InspectedImage, type PicturePreparing, type PictureToSend } from '../ui/inspectImage';
import { PicturePreview } from '../ui/picturePreview';
import { MAX_PREVIEW_BYTES, type PreviewPicture } from '../ui/previewPage';
import { BACK } from '../ui/quickPick';
import { failureMessage } from '../ui/failures';

/** The picture of one file to give a customer: the file, what inspection found, and the whole picture prepared. */
export interface Replacement {
  readonly image: vscode.Uri;
  readonly inspected: InspectedImage;
  readonly sending: Promise<PictureToSend>;
}

/** Whether a customer's first picture is shown and asked about, when it is not square (`bcPictures.previewFirstPicture`, default on). */
function previewingFirstPictures(): boolean {
  return vscode.workspace.getConfiguration('bcPictures').get<boolean>('previewFirstPicture', true) !== false;
}

/**
 * The confirmation with the preview beside it: the current picture (if any) and the new one as Business Central
 * shows them, the preview following the answer the keyboard is on (the whole picture or a square of it). A customer
 * without a picture is asked only where there is a choice: a picture that is not square, whose square the user may
 * prefer to the circle cut from its middle. What to send (`sending`), false to send nothing (the current picture
 * stays), BACK to choose another customer. The preview closes with it.
 */
export async function confirmPictureWithPreview(
  preparing: PicturePreparing,
  log: vscode.LogOutputChannel,
  customer: Customer,
  current: ShownPicture | undefined,
  replacement: Replacement,
  options: { readonly canGoBack: boolean },
): Promise<{ readonly sending: Promise<PictureToSend> } | false | typeof BACK> {
  const { describeSending, expectedChanges, expectedSize } = await import('../images/preparation');
  const { describePicture } = await import('../images');
  const file = replacement.inspected.info;
  const settings = preparing.options();
  const squareable = expectedChanges(file, { ...settings, crop: 'centre' }).includes('cropped');
  if (!current && !(squareable && previewingFirstPictures())) return { sending: replacement.sending };
  // Each square prepared once, the first time its answer is focused or chosen.
  const variants = new Map<SquareCrop | 'whole', Promise<PictureToSend>>([['whole', replacement.sending]]);
  const variant = (crop: SquareCrop | undefined) => {
    let sending = variants.get(crop ?? 'whole');
    if (!sending) {
      sending = pictureToSend(replacement.image, file, preparing, { inspectedBytes: replacement.inspected.bytes, crop });
      sending.catch(() => undefined);
      variants.set(crop ?? 'whole', sending);
    }
    return sending;
  };
  const whole = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Preparing the picture…') }, () => replacement.sending);
  const square = expectedSize(file, { ...settings, crop: 'centre' });
  const crops: CropOffer[] = squareable
    ? [
        { crop: 'centre', text: vscode.l10n.t('a square of {0}×{1} from the centre', square.width, square.height) },
        { crop: 'attention', text: vscode.l10n.t('a square of {0}×{1} around the most detailed part', square.width, square.height) },
      ]
    : [];

  const preview = new PicturePreview(vscode.l10n.t('Picture of {0} ({1})', inert(customer.displayName), inert(customer.number)));
  const currentPicture = current ? [currentForPreview(current, describePicture)] : [];
  // The answer focused last: a square prepared after the user moved on is not shown over the one now focused.
  let focused: SquareCrop | undefined;
  const showVariant = async (crop: SquareCrop | undefined) => {
    focused = crop;
    let next: PreviewPicture;
    try {
      next = await newForPreview(replacement, await variant(crop), describeSending);
    } catch (error) {
      log.warn(`The square of the picture could not be prepared for the preview (${failureMessage(error)}).`);
      next = { heading: vscode.l10n.t('New picture'), description: failureMessage(error), absent: vscode.l10n.t('This picture cannot be drawn here.') };
    }
    if (focused === crop) preview.show([...currentPicture, next]);
  };
  try {
    void showVariant(undefined);
    const nextText = describeSending(file, whole.sent, whole.changes);
    const confirmOptions = { canGoBack: options.canGoBack, crops, onFocus: (crop: SquareCrop | undefined) => void showVariant(crop) };
    const answer = current ? await confirmReplace(customer, current, nextText, confirmOptions) : await confirmFirstPicture(customer, nextText, confirmOptions);
    if (answer === false || answer === BACK) return answer;
    return { sending: variant(answer.crop) };
  } finally {
    preview.dispose();
  }
}

function currentForPreview(current: ShownPicture, describePicture: (picture: ShownPicture) => string): PreviewPicture {
  return {
    heading: vscode.l10n.t('Current picture'),
    description: describePicture(current),
    bytes: current.bytes,
    contentType: current.contentType,
    absent: !current.bytes && current.keepFailure ? vscode.l10n.t('Could not be downloaded: {0}', current.keepFailure) : undefined,
  };
}

async function newForPreview(
  replacement: Replacement,
  sending: PictureToSend,
  describeSending: (file: ImageInfo, sent: PictureToSend['sent'], changes: PictureToSend['changes']) => string,
): Promise<PreviewPicture> {
  const file = replacement.inspected.info;
  // A file sent as it is is shown from its own bytes, where those are few enough to draw.
  const bytes =
    sending.bytes ?? replacement.inspected.bytes ?? (file.byteSize <= MAX_PREVIEW_BYTES ? await vscode.workspace.fs.readFile(replacement.image) : undefined);
  return { heading: vscode.l10n.t('New picture'), description: describeSending(file, sending.sent, sending.changes), bytes, contentType: sending.sent.contentType };
}
