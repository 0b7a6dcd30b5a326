/*
 * The snapshot tables' filter (templates/volume_protection/
 * _table_actions.html): while "Status =" is chosen, the statuses are
 * offered as a list, as the table shows them; otherwise the text box.
 * Only the one shown is enabled, so only it is submitted.
 */
(function () {
  'use strict';

  function showFieldInput($filter, field) {
    // The field offered as a list: the status, or the one the filter
    // names (data-choices-field).
    var byStatus = field === ($filter.data('choicesField') || 'status');
    $filter.find('.volsnap-filter-text')
      .prop('disabled', byStatus).prop('hidden', byStatus);
    $filter.find('.volsnap-filter-status')
      .prop('disabled', !byStatus).prop('hidden', !byStatus);
  }

  $(document).on('change', '.volsnap-status-filter select[name$="_field"]',
    function () {
      var $select = $(this);
      showFieldInput($select.closest('.volsnap-status-filter'),
                     $select.val());
    });
}());
