import type * as vscode from 'vscode';
import type { ServiceCapabilities } from '../api/capabilities';
import type { JobJournals } from '../bulk/journal';
import type { KeptPictures } from '../local/keptPictures';
import type { ExistingPictures } from '../ui/planPicker';
import type { WalkthroughProgress } from '../ui/walkthroughProgress';
import type { Connections } from './connection';
import type { PictureFiles } from './pictureFileSystem';
import type { Preparing } from './preparing';

// What commands get, take and give: one place, so that no command imports another for a type.

/** What every command gets: the extension's context, its one log, and what the services were found to support. */
export interface CommandContext {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly capabilities: ServiceCapabilities;
  /** The customer pictures open in previews. */
  readonly pictures: PictureFiles;
  /** The way to Business Central, kept across commands. */
  readonly connections: Connections;
  /** What the walkthrough checks off: told of each success. */
  readonly walkthrough: WalkthroughProgress;
  /** The journals of many-pictures jobs, so that one cut short can be resumed. */
  readonly jobs: JobJournals;
  /** Pictures kept on this machine before they were replaced or removed. */
  readonly kept: KeptPictures;
  /** Prepares pictures before they are sent: upright, scaled, without metadata, converted. */
  readonly preparing: Preparing;
}

/** Lets tests, tasks and keybindings skip the pickers. */
export interface PictureTarget {
  readonly companyId?: string;
  readonly customerId?: string;
  readonly customerNumber?: string;
}

/** What `bcPictures.addPicture` returns: what the service stored. */
export interface PictureResult {
  readonly companyId: string;
  readonly customerId: string;
  readonly width: number;
  readonly height: number;
  readonly contentType: string;
}

/** Lets tests, tasks and keybindings skip the company picker, decide on existing pictures, or retry a run's failures. */
export interface BulkOptions {
  readonly companyId?: string;
  /** Default 'skip': customers that have a picture start unchecked in the plan. */
  readonly existing?: ExistingPictures;
  /** Re-runs only the failed uploads of this result, without asking again. */
  readonly retryFailedOf?: BulkResult;
}

/** What `bcPictures.addPicturesByNumber` returns: which customers changed, and what did not and why. */
export interface BulkResult {
  readonly companyId: string;
  /** Numbers of the customers whose picture is now the file's. */
  readonly done: string[];
  /** Numbers of the matched customers left as they were by choice (unchecked in the plan). */
  readonly skipped: string[];
  /** Numbers of the customers not started because the user cancelled. */
  readonly notStarted: string[];
  /** Uploads that failed (the customer keeps the old picture) or were not confirmed (`mayBeSet`: check it); Retry Failed sends them again. */
  readonly failed: { readonly file: string; readonly uri: string; readonly customerNumber: string; readonly reason: string; readonly mayBeSet?: boolean }[];
  /** Files never planned for an upload: no customer, two files for one customer, refused image. */
  readonly leftOut: { readonly file: string; readonly reason: string }[];
  readonly cancelled: boolean;
  /** The Markdown report, in the extension's storage. */
  readonly reportUri?: string;
  /** The summary notification's text. */
  readonly summary: string;
}
