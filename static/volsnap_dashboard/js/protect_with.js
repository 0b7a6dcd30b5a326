/*
 * "Protect with: Snapshots | Backups" in a modal form: the form of the
 * plugin chosen replaces the one shown (Horizon would keep the first in
 * its stack of modals, hidden, with the same field ids as the second).
 */
(function ($) {
  'use strict';

  $(document).on('click', '.modal .volsnap-protect-with a', function () {
    $(this).closest('.modal').addClass('volsnap-replaced');
  });

  $(document).on('shown.bs.modal', '.modal', function () {
    if (!$(this).hasClass('volsnap-replaced')) {
      $('#modal_wrapper .modal.volsnap-replaced').remove();
    }
  });
}(jQuery));
