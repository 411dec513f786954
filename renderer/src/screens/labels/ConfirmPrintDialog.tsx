import { FormattedMessage, useIntl } from 'react-intl';
import { Modal } from '../../components/Modal.tsx';

/** Print jobs this large are confirmed first, naming the count and the printer (issue 15: one click, 10,000 labels). */
export const CONFIRM_ABOVE = 50;

/** "Send 10,000 labels to Zebra-1?": the number and the place, before a job a person cannot take back. */
export function ConfirmPrintDialog({
  labels,
  printer,
  onCancel,
  onConfirm,
  onTest,
}: {
  labels: number;
  /** The printer's name or address; null when the system print dialog will ask. */
  printer: string | null;
  onCancel: () => void;
  onConfirm: () => void;
  /** Offered when no test label was printed for this job yet. */
  onTest?: () => void;
}) {
  const intl = useIntl();
  const title =
    printer === null
      ? intl.formatMessage({ id: 'labels.confirm.titleDialog', defaultMessage: 'Print {count, plural, one {# label} other {# labels}}?' }, { count: labels })
      : intl.formatMessage(
          { id: 'labels.confirm.title', defaultMessage: 'Send {count, plural, one {# label} other {# labels}} to {printer}?' },
          { count: labels, printer },
        );
  return (
    <Modal title={title} onClose={onCancel}>
      <div className="form-stack" data-testid="confirm-print">
        <p>
          <FormattedMessage
            id="labels.confirm.body"
            defaultMessage="That is {count, plural, one {# label} other {# labels}} of stock. A printer that has started cannot take back what it received; cancel stops what has not been sent yet."
            values={{ count: labels }}
          />
        </p>
        {onTest && (
          <p className="muted">
            <FormattedMessage id="labels.confirm.testHint" defaultMessage="Not sure the stock and position are right? Print one test label first." />
          </p>
        )}
        <div className="form-actions">
          {onTest && (
            <button type="button" className="btn push-start" onClick={onTest}>
              <FormattedMessage id="labels.confirm.test" defaultMessage="Print one test label first" />
            </button>
          )}
          <button type="button" className="btn" onClick={onCancel}>
            <FormattedMessage id="labels.confirm.cancel" defaultMessage="Cancel" />
          </button>
          <button type="button" className="btn btn-primary" onClick={onConfirm}>
            <FormattedMessage id="labels.confirm.go" defaultMessage="Print {count, plural, one {# label} other {# labels}}" values={{ count: labels }} />
          </button>
        </div>
      </div>
    </Modal>
  );
}
