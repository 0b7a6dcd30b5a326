/*
 * The Create / Edit Schedule workflow's previews: whenever a field
 * changes, the form is posted to its own view with preview=1 and the
 * review step shows the HTML the server answers. The runs, the dry run
 * and the forecast are computed on the server only
 * (dashboards/project/volume_protection/schedule_preview.py).
 */
(function () {
  'use strict';

  var PREVIEW_DELAY_MS = 300;

  function initWorkflow($form) {
    if ($form.data('volsnapPreview')) {
      return;
    }
    $form.data('volsnapPreview', true);
    var $preview = $form.find('.volsnap-schedule-preview');
    var timer = null;
    var pending = null;

    function refresh() {
      clearTimeout(timer);
      if (pending) {
        pending.abort();
      }
      var data = $form.serializeArray();
      data.push({name: 'preview', value: '1'});
      $preview.attr('aria-busy', 'true');
      pending = $.ajax({
        url: $form.attr('action'),
        type: 'POST',
        data: $.param(data),
        dataType: 'html'
      }).done(function (html) {
        $preview.html(html);
      }).fail(function (xhr, status) {
        if (status !== 'abort') {
          $preview.text(gettext('Unable to compute the preview. ' +
                                'Saving checks everything anyway.'));
        }
      }).always(function () {
        $preview.removeAttr('aria-busy');
        pending = null;
      });
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(refresh, PREVIEW_DELAY_MS);
    }

    // The picker's search box only searches: it changes no field.
    $form.on('input change', ':input:not([type=search])', later);
    // Horizon shows a step's switched fields only while the step is
    // visible: show the right ones when the step comes into view.
    $form.on('shown.bs.tab', 'a[data-toggle=tab]', function () {
      $form.find('select.switchable').trigger('change');
    });
    refresh();
  }

  function init(container) {
    $(container).find('form.volsnap-schedule-workflow').each(function () {
      initWorkflow($(this));
    });
  }

  horizon.modals.addModalInitFunction(init);
  horizon.addInitFunction(function () {
    init(document.body);
  });
})();
